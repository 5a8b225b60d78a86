"""National reference data: the state's agreement with SKR per year (national priority areas,
who gets money, how it is followed up) and the enkät's answer options, kept as data files in
data/ and loaded idempotently by `reference_data_load`."""
