// name: spf-fail-delivered
// title: Messages failing SPF that were delivered
// description: Delivered messages whose SPF result is fail or softfail, with the sender address
//   (own-domain senders seen from outside are flagged), the client IP and the recipients:
//   spoofing that reached users.
// answers: Spoofing (DESIGN 1.1): were forged mails delivered, and to whom?
// tags: spoofing, mail-flow
// param: case_name (string, default ""): only this case's nodes ("" = every case in the database)
MATCH (m:Message)-[:DELIVERED_TO]->(a:Account)
WHERE ($case_name = '' OR m.case_name = $case_name) AND (m.spf = 'fail' OR m.spf = 'softfail')
OPTIONAL MATCH (s:Sender)-[:SENT]->(m)
OPTIONAL MATCH (i:IP)-[:SUBMITTED]->(m)
RETURN m.message_id AS message_id, m.spf AS spf, s.value AS sender, s.internal_domain AS own_domain_sender,
       i.value AS client_ip, collect(DISTINCT a.value) AS delivered_to, m.first_seen AS received
ORDER BY received, message_id
