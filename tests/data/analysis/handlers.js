// Test data: a small Express-style module (lines found by markers).
const fs = require("fs");
import { execSync } from "child_process";

function loadConfig(path, fallback = {}) {
  if (!fs.existsSync(path)) { // @js-guard
    return fallback;
  }
  const raw = fs.readFileSync(path, "utf8"); // @js-read
  let config = JSON.parse(raw);
  config.loaded = true; // @js-mutation
  return config.port * 2; // @js-crash
}

class Counter {
  bump(step) {
    this.count += step; // @js-bump
    if (this.count > 10 && step) {
      return this.bump(-step); // @js-recursion
    }
    return this.count;
  }
}

app.get("/users", (req, res) => { // @js-handler
  const id = req.params.id;
  res.send(execSync("id " + id)); // @js-exec
});

it("loads the config", () => {
  expect(loadConfig("x").port).toBe(80); // @js-test
});

function sum(list) {
  let total = 0;
  for (const item of list) { // @js-loop
    total += item.value;
  }
  return total; // @js-return
}
