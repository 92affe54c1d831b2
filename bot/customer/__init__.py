"""The simulated customer: a persona-driven state machine reacting to the trainee's turns."""
