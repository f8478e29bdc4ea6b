"""The bilingual knowledge base: loading, validation and question matching."""
