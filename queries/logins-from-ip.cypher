// name: logins-from-ip
// title: Accounts an IP logged in to
// description: Every account the IP authenticated as (SOAP, IMAP, POP, SMTP AUTH, ActiveSync), with
//   protocols, the number of logins and the first and last time: the first step of a pivot from a
//   known-bad address.
// answers: Pivot (DESIGN 1.3): which accounts did this IP get into?
// tags: pivot, initial-access
// param: ip (string, required): the client IP, e.g. 203.0.113.45
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (i:IP {value: $ip})-[r:LOGGED_IN]->(a:Account)
WHERE $case_name = '' OR i.case_name = $case_name
RETURN a.value AS account, r.protocols AS protocols, r.count AS logins,
       r.first_seen AS first_seen, r.last_seen AS last_seen
ORDER BY first_seen, account
