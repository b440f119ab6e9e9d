"""Plain domain types: statuses, cadres, enums, money, invoices. No I/O, no project imports."""
