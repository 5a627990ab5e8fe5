import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiRootProblem, redirected } from './api-root.js'

test("each of Google's three hosts moves to the root, path and query kept", () => {
  const root = 'http://127.0.0.1:8080/'
  assert.equal(
    redirected('https://analyticsdata.googleapis.com/v1beta/properties/1:runReport', root),
    'http://127.0.0.1:8080/v1beta/properties/1:runReport',
  )
  assert.equal(
    redirected('https://analyticsadmin.googleapis.com/v1beta/properties/1/customDimensions?pageSize=200', root),
    'http://127.0.0.1:8080/v1beta/properties/1/customDimensions?pageSize=200',
  )
  assert.equal(
    redirected('https://oauth2.googleapis.com/token', 'https://proxy.example/google'),
    'https://proxy.example/google/token',
  )
})

test('other URLs, and every URL without a root, stay as they are', () => {
  assert.equal(redirected('https://example.com/x', 'http://127.0.0.1:1'), 'https://example.com/x')
  assert.equal(
    redirected('https://analyticsdata.googleapis.com.evil.example/x', 'http://127.0.0.1:1'),
    'https://analyticsdata.googleapis.com.evil.example/x',
  )
  assert.equal(redirected('https://oauth2.googleapis.com/token', undefined), 'https://oauth2.googleapis.com/token')
})

test('plain http only on loopback', () => {
  assert.equal(apiRootProblem('http://127.0.0.1:9'), '')
  assert.equal(apiRootProblem('http://localhost:9'), '')
  assert.equal(apiRootProblem('http://[::1]:9'), '')
  assert.equal(apiRootProblem('https://proxy.example'), '')
  assert.match(apiRootProblem('http://10.0.0.1'), /must use https/)
})
