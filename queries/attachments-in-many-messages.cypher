// name: attachments-in-many-messages
// title: Files seen in many messages
// description: Attachments (by SHA-1) carried by at least min_messages messages, with their file
//   names, how many accounts they reached and who sent them: a campaign sends one file to many
//   users (newsletters do too: read the senders).
// answers: Initial access (DESIGN 1.2): identical files sent to many users.
// tags: phishing, attachments, clusters
// param: min_messages (integer, default 3): at least this many messages carried the file
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (m:Message)-[:CARRIED]->(f:Attachment)
WHERE $case_name = '' OR f.case_name = $case_name
WITH f, count(DISTINCT m) AS messages
WHERE messages >= $min_messages
MATCH (m:Message)-[:CARRIED]->(f)
OPTIONAL MATCH (m)-[:DELIVERED_TO]->(a:Account)
OPTIONAL MATCH (s)-[:SENT]->(m)
RETURN f.value AS sha1, f.names AS names, messages, count(DISTINCT a) AS recipients,
       collect(DISTINCT s.value) AS senders
ORDER BY messages DESC, sha1
