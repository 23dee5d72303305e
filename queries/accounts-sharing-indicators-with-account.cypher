// name: accounts-sharing-indicators-with-account
// title: Accounts that share a login IP or a user-agent with a seed account
// description: For each non-infrastructure IP the seed account logged in from and each user-agent
//   it used, the other accounts that did the same. Indicators shared by more than max_accounts
//   accounts (office NAT, common browsers) are left out as hubs; the rarer the indicator, the
//   stronger the link.
// answers: Pivot (DESIGN 1.3): which further accounts share the attacker's IPs or user-agents?
// tags: pivot, clusters
// param: account (string, required): the seed account, e.g. elise.moreau@example.gov
// param: max_accounts (integer, default 10): skip indicators shared by more accounts than this
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (seed:Account {value: $account})-[:LOGGED_IN|USED_UA]-(x)
WHERE ($case_name = '' OR seed.case_name = $case_name)
  AND (x.kind = 'IP' OR x.kind = 'UserAgent') AND coalesce(x.infrastructure, false) = false
MATCH (x)-[:LOGGED_IN|USED_UA]-(other:Account)
WITH x, collect(DISTINCT other.value) AS accounts
WHERE size(accounts) <= $max_accounts
UNWIND accounts AS account
WITH x, account, size(accounts) - 1 AS shared_with
WHERE account <> $account
RETURN account, x.kind AS indicator_kind, x.value AS indicator, shared_with
ORDER BY shared_with, account, indicator_kind, indicator
