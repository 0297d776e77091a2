from django.dispatch import Signal

# Sent inside the closing transaction with `periode` and `door`, so whatever listens
# (the report snapshot) is saved together with the closing, or not at all.
periode_gesloten = Signal()
