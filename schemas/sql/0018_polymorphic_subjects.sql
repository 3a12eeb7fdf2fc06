-- With a key server (keys.keyserver) the hub keeps, beside each hub pseudonym of a pupil, the
-- identity as a polymorphic encryption under the key server's public key ("pp1:..."), re-randomised
-- for this row so that two rows of one pupil cannot be linked by it. The hub cannot open it; when a
-- task leaves for an organisation the key server converts it to that organisation's domain
-- (outbox/dispatcher.hpp). NULL for rows written without a key server.
ALTER TABLE pupil_identifiers ADD COLUMN polymorphic TEXT;
