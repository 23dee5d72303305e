// name: accounts-per-device
// title: Accounts behind each ActiveSync device
// description: Devices that synced more than one account come first: one phone on several
//   mailboxes is rarely legitimate. With device set, only that device.
// answers: Post-compromise (DESIGN 1.4): which accounts does the attacker's device reach?
// tags: activesync, pivot
// param: device (string, default ""): only this DeviceId ("" = every device)
// param: min_accounts (integer, default 1): devices with at least this many accounts
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (a:Account)-[s:SYNCED]->(d:Device)
WHERE ($device = '' OR d.value = $device) AND ($case_name = '' OR d.case_name = $case_name)
WITH d, collect(DISTINCT a.value) AS accounts, min(s.first_seen) AS first_synced
WHERE size(accounts) >= $min_accounts
RETURN d.value AS device, d.device_type AS device_type, size(accounts) AS account_count, accounts, first_synced
ORDER BY account_count DESC, device
