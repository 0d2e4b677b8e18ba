// PostGraphile 5 declares Node >= 22; the one newer API it needs on this machine's Node 20 is Promise.withResolvers.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
