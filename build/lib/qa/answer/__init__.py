"""Answer: the question's shape, the answering sentences and the verdict, with the fitted models they use."""
