// name: attachment-recipients
// title: Who received an attachment (by SHA-1)
// description: Every internal account a message carrying the file was delivered to, with the
//   message, its sender and when: the victims of a phishing campaign from one known-bad file.
// answers: Initial access (DESIGN 1.2): phishing, who got the file with this SHA-1?
// tags: phishing, attachments, mail-flow
// param: sha1 (string, required): the attachment's SHA-1, 40 lower-case hex digits
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (m:Message)-[:CARRIED]->(f:Attachment {value: $sha1})
WHERE $case_name = '' OR f.case_name = $case_name
MATCH (m)-[d:DELIVERED_TO]->(a:Account)
OPTIONAL MATCH (s)-[:SENT]->(m)
RETURN a.value AS recipient, m.message_id AS message_id, s.value AS sender,
       m.first_seen AS received, m.verdict AS verdict
ORDER BY recipient, received, message_id
