"""Payment deadlines (délai global de paiement), late interest and the 40 € indemnity."""
