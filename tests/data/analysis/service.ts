// Test data: TypeScript with types (lines found by markers).
interface Order { qty: number; price: number }

export function orderTotal(orders: Order[], discount?: number): number {
  let total: number = 0;
  for (const order of orders) { // @ts-loop
    total += order.qty * order.price;
  }
  if (discount !== undefined && discount > total) { // @ts-guard
    throw new Error("discount too large"); // @ts-throw
  }
  return total - (discount ?? 0); // @ts-crash
}

export const delay = async (ms: number): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, ms)); // @ts-timer
};
