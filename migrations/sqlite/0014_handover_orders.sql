-- The paper trail of a handover (seed 001; seeds-notes A3): a transfer goes with the
-- sending head's order «с отметкой о передаче случая», and the receiver accepts it under
-- its incoming registration number and date (its own order, order_number and order_date,
-- becomes optional). Requests made before this migration have neither.
ALTER TABLE handovers ADD COLUMN sender_order_number TEXT;
ALTER TABLE handovers ADD COLUMN sender_order_date TEXT;
ALTER TABLE handovers ADD COLUMN registration_number TEXT;
ALTER TABLE handovers ADD COLUMN registration_date TEXT;
