// name: devices-per-account
// title: ActiveSync devices of each account
// description: Every ActiveSync device an account synced, with its type, the IPs it synced from and
//   when it was first seen: a new device on a compromised account is the attacker's phone.
// answers: Post-compromise (DESIGN 1.4): new ActiveSync devices.
// tags: activesync, post-compromise
// param: account (string, default ""): only this account ("" = every account)
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (a:Account)-[s:SYNCED]->(d:Device)
WHERE ($account = '' OR a.value = $account) AND ($case_name = '' OR a.case_name = $case_name)
OPTIONAL MATCH (i:IP)-[:USED_DEVICE]->(d)
RETURN a.value AS account, d.value AS device, d.device_type AS device_type, s.first_seen AS first_synced,
       s.last_seen AS last_synced, s.count AS requests, collect(DISTINCT i.value) AS ips
ORDER BY account, first_synced, device
