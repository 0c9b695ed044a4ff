"""The approvals app's services, one module per concept: `offers` (negotiating, flags,
options), `costs` (cost approval by band), `placement` (the placement and its agreement).
Permission to search lives with the referral: `referrals.permission.services`."""
