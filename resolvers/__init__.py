"""Resolvers: translate GraphQL input into one ``auth`` call and its outcome into a payload or error type."""
