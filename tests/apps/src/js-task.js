// A JS executor's tasks (main.js submits them with `ex.submit(new URL('./js-task.js',
// import.meta.url), x)`). Self-contained, like js-thread.js: bundlers copy the file as an asset.
export default function square(x) {
  return x * x;
}

export function fails(why) {
  throw new RangeError(`task refused: ${why}`);
}
