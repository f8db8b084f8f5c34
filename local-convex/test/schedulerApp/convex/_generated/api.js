// convex-test finds a functions directory by its `_generated/` folder; this test app calls its functions by name.
export {};
