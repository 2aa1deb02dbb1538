"""Documents built from the board's figures (plain data in, files out): no streamlit, no NocoDB."""
