// name: failures-then-success-per-ip
// title: IPs that failed on many accounts, then logged in
// description: Password spraying and brute force that worked: client IPs (infrastructure left out)
//   with authentication failures on at least min_failed_accounts accounts, and the accounts they
//   then logged in to (a login that ended after the first failure).
// answers: Initial access (DESIGN 1.2): brute force / password spraying that succeeded.
// tags: initial-access, brute-force
// param: min_failed_accounts (integer, default 5): at least this many accounts failed from the IP
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (i:IP)-[f:AUTH_FAILED]->(a:Account)
WHERE ($case_name = '' OR i.case_name = $case_name) AND coalesce(i.infrastructure, false) = false
WITH i, count(DISTINCT a) AS failed_accounts, sum(f.count) AS failures, min(f.first_seen) AS first_failure
WHERE failed_accounts >= $min_failed_accounts
MATCH (i)-[s:LOGGED_IN]->(b:Account)
WHERE s.last_seen >= first_failure
RETURN i.value AS ip, failed_accounts, failures, first_failure,
       collect(DISTINCT b.value) AS logged_in_to, min(s.first_seen) AS first_login
ORDER BY failed_accounts DESC, ip
