import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNextLink } from './link';

const base = new URL('http://127.0.0.1:5000/v2/_catalog?n=100');
const cases: Array<[string | undefined, string | undefined]> = [
  ['</v2/_catalog?last=b&n=100>; rel="next"', 'http://127.0.0.1:5000/v2/_catalog?last=b&n=100'],
  ['<https://r.example.com/v2/x/tags/list?n=50&last=v1>; rel=next', 'https://r.example.com/v2/x/tags/list?n=50&last=v1'],
  ['<http://127.0.0.1:5000/v2/_catalog?last=a%2Cb&n=2>; rel="prev", </v2/_catalog?last=z>; rel="next"', 'http://127.0.0.1:5000/v2/_catalog?last=z'],
  ['</v2/_catalog?last=b>; rel="prev"', undefined],
  ['garbage', undefined],
  [undefined, undefined],
  ['</v2/_catalog?last=b>;REL="Next"', 'http://127.0.0.1:5000/v2/_catalog?last=b'],
];
for (const [header, want] of cases) {
  test(`parseNextLink(${header})`, () => assert.equal(parseNextLink(header, base)?.href, want));
}
