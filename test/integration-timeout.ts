// `testTimeout` is a global Jest option and is ignored inside `projects`: set it for this project here.
jest.setTimeout(60_000);
