// dcmjs ships no type definitions; the bridge uses a small part of dcmjs.data, typed at its call sites.
declare module 'dcmjs';
