// name: paths-from-ip
// title: Accounts within a few hops of a seed IP, avoiding infrastructure
// description: Accounts reachable from the seed IP through logins and ActiveSync devices (IP -
//   account - IP - account ...), never through a proxy, mailstore or MTA address nor through an
//   IP or device that more than max_accounts accounts use (office NAT, carrier gateway), with the
//   fewest hops. Hop 1 is a login from the seed itself; hop 3 an account that shares another IP or
//   a device with one of those. Paths are searched up to 4 hops; max_hops cuts them shorter.
// answers: Pivot (DESIGN 1.3): from one known-bad IP, which accounts are connected, and how closely?
// tags: pivot, infrastructure
// param: ip (string, required): the seed IP, e.g. 198.51.100.61
// param: max_hops (integer, default 3): keep accounts at most this many hops away (1 to 4)
// param: max_accounts (integer, default 5): do not cross an IP or device used by more accounts than this
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (h)
WHERE (h.kind = 'IP' OR h.kind = 'Device') AND coalesce(h.accounts, 0) > $max_accounts AND h.value <> $ip
  AND ($case_name = '' OR h.case_name = $case_name)
WITH collect(h.id) AS hubs
MATCH p = (i:IP {value: $ip})-[:LOGGED_IN|SYNCED|USED_DEVICE*1..4]-(a:Account)
WHERE ($case_name = '' OR i.case_name = $case_name) AND length(p) <= $max_hops
  AND all(n IN nodes(p) WHERE coalesce(n.infrastructure, false) = false AND NOT n.id IN hubs)
RETURN a.value AS account, min(length(p)) AS hops
ORDER BY hops, account
