"""Official contract files and their reader, shared by a client and the simulator of the
same platform: both hold to the same files, neither to the other's code."""
