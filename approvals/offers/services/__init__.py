"""The offers' writes, one module per concern: `negotiation` (a fee negotiated, a flag
overridden), `options` (sent to the social worker, chosen or declined, reminders) and
`flexibility` (no suitable options, and where the social worker has flexibility).
`common` holds the checks they share."""
