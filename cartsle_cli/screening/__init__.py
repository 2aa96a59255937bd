"""Title/abstract screening: decisions and history, agreement, ranking model, simulation, PRISMA counts."""
