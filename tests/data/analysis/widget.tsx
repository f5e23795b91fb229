// Test data: TSX component (lines found by markers).
export function Widget(props: { items: string[] }) {
  const [count, setCount] = useState(0);
  if (props.items.length === 0) { // @tsx-guard
    return <p>empty</p>;
  }
  return <ul onClick={() => setCount(count + 1)}>{props.items.map((i) => <li>{i}</li>)}</ul>;
}
