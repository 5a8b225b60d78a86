"""Plans: handlingsplaner with goal areas, priorities, activities, goals and indicators."""
