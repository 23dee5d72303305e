// name: accounts-sending-attachment
// title: Accounts that sent mail carrying an attachment (by SHA-1)
// description: Internal accounts that sent a message with the file, from which IP and user-agent
//   (the login of the session that sent it) and to whom: a compromised mailbox spreading the
//   campaign internally.
// answers: Post-compromise (DESIGN 1.4): whose sessions sent this file on?
// tags: post-compromise, attachments, mail-flow
// param: sha1 (string, required): the attachment's SHA-1, 40 lower-case hex digits
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (a:Account)-[:SENT]->(m:Message)-[:CARRIED]->(f:Attachment {value: $sha1})
WHERE $case_name = '' OR f.case_name = $case_name
OPTIONAL MATCH (i:IP)-[:SUBMITTED]->(m)
OPTIONAL MATCH (u:UserAgent)-[:SUBMITTED]->(m)
OPTIONAL MATCH (m)-[:DELIVERED_TO|ADDRESSED_TO]->(r)
RETURN a.value AS account, m.message_id AS message_id, m.first_seen AS sent, i.value AS client_ip,
       u.value AS user_agent, collect(DISTINCT r.value) AS recipients
ORDER BY sent, account, message_id
