// name: post-compromise-actions
// title: What happened on an account after a given time
// description: The account's relationships that were active at or after since, oldest first:
//   logins and activity by IP, mails sent (with recipients), ActiveSync devices synced, user-agents
//   used. Run it with since set to the attacker's first login (logins-from-ip gives it).
// answers: Post-compromise (DESIGN 1.4): what did the attacker do after logging in?
// tags: post-compromise
// param: account (string, required): the compromised account
// param: since (string, default ""): ISO 8601 UTC time, e.g. 2026-10-25T06:00:00Z ("" = from the start)
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (a:Account {value: $account})-[r:LOGGED_IN|ACCESSED|SENT|SYNCED|USED_UA]-(x)
WHERE ($case_name = '' OR a.case_name = $case_name) AND r.last_seen >= $since
OPTIONAL MATCH (x)-[:DELIVERED_TO|ADDRESSED_TO]->(rcpt)
RETURN r.first_seen AS first_seen, r.last_seen AS last_seen, r.type AS action, x.kind AS what_kind,
       x.value AS what, r.count AS count, r.protocols AS protocols, collect(DISTINCT rcpt.value) AS recipients
ORDER BY first_seen, action, what
