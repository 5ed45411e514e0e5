"""Industry-chain map assistant (产业链地图): place a small business in its chain, profile its flows,
screen its transactions, and derive marketing and risk strategies; also writes industry briefs."""
