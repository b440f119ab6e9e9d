"""The Chorus Pro API through the PISTE gateway: OAuth, client, schemas, errors."""
