// PostGraphile 5 uses Promise.withResolvers (Node 22); on Node 20 this is preloaded with
// NODE_OPTIONS=-r <this file>.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
