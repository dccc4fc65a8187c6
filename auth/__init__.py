"""Account-security building blocks that know nothing about HTTP or GraphQL."""
