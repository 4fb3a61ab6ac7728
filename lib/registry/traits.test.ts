import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traitsOf } from './traits';

test('Docker Hub: namespaces through its API, tag lists with details newest first, reads that are pulls, a pull limit, no deleting', () => {
  assert.deepEqual(
    { ...traitsOf('docker.io'), signInHint: undefined },
    {
      listing: 'namespaces',
      tagListsCarryDetails: true,
      tagOrder: 'newest',
      readsArePulls: true,
      pullLimit: true,
      deletes: false,
      signInHint: undefined,
      exampleRepository: 'library/alpine',
    },
  );
  assert.match(traitsOf('docker.io').signInHint ?? '', /personal access token \(dckr_pat_…\)/);
});

test('any other registry: the distribution API as the spec has it', () => {
  for (const host of ['ghcr.io', '127.0.0.1:5000', 'registry-1.docker.io.example', 'index.docker.io.evil']) {
    assert.deepEqual(traitsOf(host), {
      listing: 'catalog',
      tagListsCarryDetails: false,
      tagOrder: 'name',
      readsArePulls: false,
      pullLimit: false,
      deletes: true,
      exampleRepository: 'owner/name',
    });
  }
});
