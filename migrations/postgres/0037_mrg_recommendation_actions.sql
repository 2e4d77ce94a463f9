-- What a recommendation became in one step: a referral or handover of the case, or a plan
-- task. One of each kind per recommendation; the target is read through its own scope.
CREATE TABLE mrg_recommendation_actions (
    recommendation_id   UUID NOT NULL REFERENCES mrg_recommendations (id),
    kind                TEXT NOT NULL,
    target_id           UUID NOT NULL,
    acted_by_user_id    UUID NOT NULL REFERENCES users (id),
    acted_at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (recommendation_id, kind)
);
CREATE INDEX mrg_recommendation_actions_by_target ON mrg_recommendation_actions (target_id);
