"""The Chorus Pro account: what is typed, checked, saved and tested."""
