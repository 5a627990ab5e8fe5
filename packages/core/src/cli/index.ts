#!/usr/bin/env node
console.log('popylar: coming soon')
