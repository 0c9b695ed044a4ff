"""Cost approval: the bands that say who approves a weekly cost, and the approval
asked of that role once the social worker has chosen."""
