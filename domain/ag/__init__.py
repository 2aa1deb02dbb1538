"""The annual general meeting (AG) presentation as plain data (`deck.deck_data`), one module per subject."""
