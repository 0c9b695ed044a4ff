"""The placement's writes, one module per step: `placement` (the move date confirmed),
`agreement` (issued, the provider's link, signed or uploaded, countersigned) and
`feedback` (to the providers not chosen)."""
