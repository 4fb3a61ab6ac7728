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
  // links joined by a comma with no space
  ['</v2/_catalog?last=a>; rel="prev",</v2/_catalog?last=z>; rel="next"', 'http://127.0.0.1:5000/v2/_catalog?last=z'],
  // white space around '=' and several relation types
  ['</v2/_catalog?last=b>; rel = "prev next"', 'http://127.0.0.1:5000/v2/_catalog?last=b'],
  // a link with no rel, or a parameter that only starts with "rel", is not the next page
  ['</v2/_catalog?last=b>', undefined],
  ['</v2/_catalog?last=b>; relation="next"', undefined],
  // text before the first '<' is not a link
  ['x </v2/_catalog?last=b>; rel="next"', undefined],
  // a next link that is not a URL ends paging: Berth does not go on to a later one
  ['<http://[::1>; rel="next", </v2/_catalog?last=z>; rel="next"', undefined],
];
for (const [header, want] of cases) {
  test(`parseNextLink(${header})`, () => assert.equal(parseNextLink(header, base)?.href, want));
}
