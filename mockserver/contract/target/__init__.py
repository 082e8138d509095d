"""What the tester knows of the API and learns from its answers: the profile, the survey, the request's window, the
page read from an answer, and the answer the rules give. Pure: no Schemathesis, no HTTP."""
