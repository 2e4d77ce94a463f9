-- The ground on which a handover's package goes to its receiver (152-FZ: consent before
-- data is shared): LEGAL_DUTY (a transfer to guardianship), CONSENT (a consent to
-- personal-data processing covering the receiver, checked again at every read), or
-- OVERRIDE (a head's reason, on record).
ALTER TABLE handovers ADD COLUMN sharing_basis TEXT NOT NULL DEFAULT 'CONSENT';
ALTER TABLE handovers ADD COLUMN consent_override_reason TEXT;
-- Requests made before the rule: transfers to guardianship went by law; every other
-- package now needs a consent covering its receiver to be read.
UPDATE handovers SET sharing_basis = 'LEGAL_DUTY'
WHERE kind = 'TRANSFER'
  AND to_agency_id IN (SELECT id FROM agencies WHERE kind = 'GUARDIANSHIP');
