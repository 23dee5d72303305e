// name: indicators-shared-by-compromised
// title: Indicators shared by several compromised accounts
// description: Login IPs (infrastructure left out), user-agents and ActiveSync devices used by at
//   least min_accounts of the given compromised accounts, with how many other accounts also used
//   them (few: an attacker indicator; many: a hub).
// answers: Pivot (DESIGN 1.3): which IPs, user-agents and devices tie the compromised accounts together?
// tags: pivot, clusters, post-compromise
// param: accounts (list, required): the compromised accounts, comma separated
// param: min_accounts (integer, default 2): used by at least this many of them
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (a:Account)-[:LOGGED_IN|USED_UA|SYNCED]-(x)
WHERE a.value IN $accounts AND ($case_name = '' OR a.case_name = $case_name)
  AND (x.kind = 'IP' OR x.kind = 'UserAgent' OR x.kind = 'Device') AND coalesce(x.infrastructure, false) = false
WITH x, collect(DISTINCT a.value) AS compromised
WHERE size(compromised) >= $min_accounts
OPTIONAL MATCH (x)-[:LOGGED_IN|USED_UA|SYNCED]-(other:Account)
WHERE NOT other.value IN $accounts
RETURN x.kind AS indicator_kind, x.value AS indicator, compromised, count(DISTINCT other) AS other_accounts
ORDER BY other_accounts, indicator_kind, indicator
