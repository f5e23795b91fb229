// Profile e-mail for a welcome message. Bug: findUser returns undefined for an unknown id and
// welcomeAddress reads `.email` without checking -> TypeError on undefined.
const users = { 1: { name: "Ada", email: "ADA@example.com" } };

function findUser(id) {
  return users[id];
}

function welcomeAddress(id) {
  const user = findUser(id);
  return user.email.toLowerCase();
}

for (const id of [1, 3]) {
  console.log(welcomeAddress(id));
}
