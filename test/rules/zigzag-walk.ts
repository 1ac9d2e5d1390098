/** Daily bars of a deterministic zigzag random walk (`seed`, a sine of `period` days), so moving averages cross often. */
const DAY = 86_400_000

export function zigzagWalk(n: number, seed: number, period: number) {
  let s = seed
  let price = 100
  return Array.from({length: n}, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648
    const open = price
    price = Math.max(5, price + (s / 2147483648 - 0.5) * 6 + Math.sin(i / period) * 2)
    return {time: Date.UTC(2020, 0, 1) + i * DAY, open, high: Math.max(open, price) + 1, low: Math.min(open, price) - 1, close: price, volume: 1000}
  })
}
