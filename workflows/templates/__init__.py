"""Message templates: the sandboxed renderer, the fields a template sees, and the seed templates."""
